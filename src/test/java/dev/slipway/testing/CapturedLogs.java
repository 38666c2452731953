package dev.slipway.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Every log record the JVM emits while installed (Quarkus logs through JBoss LogManager, which is
 * the JUL LogManager): formatted messages and the messages of attached exceptions and their causes,
 * as an operator's log collector would see them.
 */
public final class CapturedLogs extends Handler implements AutoCloseable {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final SimpleFormatter formatter = new SimpleFormatter();

  private CapturedLogs() {}

  /** Starts capturing on the root logger; {@link #close()} stops. */
  public static CapturedLogs install() {
    CapturedLogs logs = new CapturedLogs();
    Logger.getLogger("").addHandler(logs);
    return logs;
  }

  @Override
  public void publish(LogRecord record) {
    StringBuilder b = new StringBuilder(record.getLoggerName() == null ? "" : record.getLoggerName()).append(' ');
    b.append(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : formatter.formatMessage(record));
    for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
      b.append(" | ").append(t);
    }
    lines.add(b.toString());
  }

  /** What was logged so far, one entry per record. */
  public List<String> lines() {
    return new ArrayList<>(lines);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(this);
  }
}

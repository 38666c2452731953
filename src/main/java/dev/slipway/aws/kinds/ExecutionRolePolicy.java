package dev.slipway.aws.kinds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The least-privilege inline policy of a function's execution role, generated from the spec alone:
 * every registered kind contributes the statements a function that references its resources needs
 * ({@link AwsResourceKind#grants}: its own log group, the tables, topics and parameters it names),
 * then the function's declared {@link FunctionPermissions}. Output is deterministic (kinds in
 * registration order, sorted actions and resources) so that it compares exactly with what IAM stores.
 */
public final class ExecutionRolePolicy {

  /** IAM's limit on the inline policies of one role, in characters. */
  static final int MAX_INLINE_POLICY_SIZE = 10_240;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Lets Lambda, and nothing else, assume the role. */
  public static final String TRUST_POLICY =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

  private ExecutionRolePolicy() {}

  /** The inline policy of {@code function}'s role. */
  public static String document(StackContext ctx, PolicyStatement.Scope scope, FunctionSpec function) {
    List<PolicyStatement> statements = new ArrayList<>();
    for (AwsResourceKind<?, ?> kind : StackKinds.all()) {
      statements.addAll(kind.grants(ctx, scope, function));
    }
    statements.addAll(FunctionPermissions.statements(ctx, scope, function));
    String text = render(statements);
    if (text.length() > MAX_INLINE_POLICY_SIZE) {
      throw SlipwayException.terminal(
          "PolicyTooLarge", "the execution policy of function " + function.name + " has " + text.length() + " characters; IAM allows " + MAX_INLINE_POLICY_SIZE);
    }
    return text;
  }

  /** A policy document of Allow statements. */
  static String render(List<PolicyStatement> statements) {
    ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
    ArrayNode array = doc.putArray("Statement");
    for (PolicyStatement st : statements) {
      ObjectNode s = array.addObject().put("Sid", st.sid()).put("Effect", "Allow");
      st.actions().forEach(s.putArray("Action")::add);
      if (st.resources() == null) {
        s.put("Resource", "*");
      } else {
        st.resources().forEach(s.putArray("Resource")::add);
      }
    }
    return doc.toString();
  }

  /** Parses a policy document as IAM returns it (URL-encoded) or as Slipway writes it. */
  public static JsonNode parse(String document) {
    String text = document.trim().startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw SlipwayException.retryable(dev.slipway.status.Reasons.POLICY_UNREADABLE, "AWS returned a policy document that is not JSON: " + e.getOriginalMessage());
    }
  }
}

#!/bin/sh
# kubectl-slipway is one file: this stub, then the jar it runs (java reads a jar from its end).
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -XX:TieredStopAtLevel=1 -jar "$0" "$@"

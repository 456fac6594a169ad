package io.xconf.cli;

import java.io.IOException;

/** One CCMP exchange: a request document in, its response document out. */
@FunctionalInterface
public interface CcmpTransport {

  String exchange(String request) throws IOException;
}

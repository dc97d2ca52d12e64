package io.kvmportal.web;

/** Makes user-supplied text safe to log: bounded, one line, no control characters. */
final class LogText {

    private LogText() {
    }

    static String bounded(String text) {
        if (text == null) {
            return "";
        }
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}

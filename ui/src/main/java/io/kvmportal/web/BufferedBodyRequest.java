package io.kvmportal.web;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.util.UrlEncoded;

/**
 * A request whose body {@link BodyLimitFilter} has already read (within the limit): the servlets behind read these
 * bytes. A form's parameters are decoded from them here, since Jetty's own form parsing would read the connection,
 * which the filter has drained.
 */
final class BufferedBodyRequest extends HttpServletRequestWrapper {
    private static final String FORM = "application/x-www-form-urlencoded";
    private final byte[] body;
    private ServletInputStream stream;
    private Map<String, String[]> form;

    BufferedBodyRequest(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
        if (stream == null) {
            stream = new BytesInputStream(body);
        }
        return stream;
    }

    @Override
    public BufferedReader getReader() {
        return new BufferedReader(new InputStreamReader(getInputStream(), charset()));
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }

    @Override
    public String getParameter(String name) {
        String[] values = getParameterMap().get(name);
        return values == null ? null : values[0];
    }

    @Override
    public String[] getParameterValues(String name) {
        String[] values = getParameterMap().get(name);
        return values == null ? null : values.clone();
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(getParameterMap().keySet());
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        String type = getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            return super.getParameterMap();
        }
        if (form == null) {
            form = decodeForm();
        }
        return form;
    }

    /** The query's parameters first, then the body's, as the Servlet specification orders them. */
    private Map<String, String[]> decodeForm() {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (getQueryString() != null) {
            UrlEncoded.decodeTo(getQueryString(), (name, value) -> add(values, name, value), StandardCharsets.UTF_8);
        }
        UrlEncoded.decodeTo(new String(body, charset()), (name, value) -> add(values, name, value), charset());
        Map<String, String[]> decoded = new LinkedHashMap<>();
        values.forEach((name, list) -> decoded.put(name, list.toArray(String[]::new)));
        return Collections.unmodifiableMap(decoded);
    }

    private static void add(Map<String, List<String>> values, String name, String value) {
        values.computeIfAbsent(name, key -> new ArrayList<>()).add(value == null ? "" : value);
    }

    private Charset charset() {
        String encoding = getCharacterEncoding();
        try {
            return encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        } catch (IllegalArgumentException unknown) {
            return StandardCharsets.UTF_8;
        }
    }

    /** All the bytes are here already: always ready, and a read listener hears of them at once. */
    private static final class BytesInputStream extends ServletInputStream {
        private final ByteArrayInputStream in;

        BytesInputStream(byte[] body) {
            this.in = new ByteArrayInputStream(body);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            return in.read(buffer, offset, length);
        }

        @Override
        public boolean isFinished() {
            return in.available() == 0;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            try {
                if (!isFinished()) {
                    listener.onDataAvailable();
                }
                listener.onAllDataRead();
            } catch (IOException e) {
                listener.onError(e);
            }
        }
    }
}

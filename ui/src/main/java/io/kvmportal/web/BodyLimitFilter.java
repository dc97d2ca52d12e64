package io.kvmportal.web;

import io.kvmportal.api.Actor;
import io.kvmportal.api.CurrentUser;
import io.kvmportal.image.ImageConfiguration;
import jakarta.inject.Singleton;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Every request body is bounded before a servlet reads it: {@code portal.web.max-body} (64 KiB) for all, an admin's
 * image upload {@code portal.images.max-file-size} (plus the same again for a form's framing). A body declared
 * larger is answered 413 before a byte of it is read; any other small-limit body is read here, counting, and
 * refused once it passes the limit, so Micronaut (which buffers a body whole), Vaadin and the sign-in form only
 * ever see one that fits. Uploads are not read here: they stream to disk, and the upload code counts them against
 * its own limit. A refused connection is closed, so the client cannot go on sending.
 * <p>
 * Runs after the session guard and the API's authentication: those read no body, so a request without the right
 * credentials is refused (401, 403) with its body unread, and the filter knows who is asking for the upload limit.
 */
@Singleton
class BodyLimitFilter extends HttpFilter {
    static final String API_UPLOAD = "/api/v1/admin/images/upload";
    /** Where Vaadin's upload component sends its files (a resource registered for the one upload on the page). */
    static final String VAADIN_UPLOAD = "/VAADIN/dynamic/resource/";
    private static final int CHUNK = 8 << 10;
    private final long maxBody;
    private final long maxFile;

    BodyLimitFilter(WebConfiguration web, ImageConfiguration images) {
        this.maxBody = web.getMaxBody();
        this.maxFile = images.getMaxFileSize();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean upload = isAdminUpload(request);
        long limit = upload ? maxFile + maxBody : maxBody;
        if (request.getContentLengthLong() > limit) {
            refuse(response, upload ? "The image file is larger than the limit of " + size(maxFile)
                    : "The request body is larger than the limit of " + size(maxBody));
            return;
        }
        if (upload || !hasBody(request)) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = readAtMost(request.getInputStream(), limit);
        if (body == null) {
            refuse(response, "The request body is larger than the limit of " + size(maxBody));
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    /** Only an admin's: anyone else's body to these paths has the small limit, whatever the route would say. */
    private static boolean isAdminUpload(HttpServletRequest request) {
        if (!(request.getAttribute(CurrentUser.ATTRIBUTE) instanceof Actor actor) || !actor.admin()) {
            return false;
        }
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return "PUT".equals(request.getMethod()) && API_UPLOAD.equals(path)
                || "POST".equals(request.getMethod()) && path.startsWith(VAADIN_UPLOAD);
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /** The whole body if it has at most {@code limit} bytes; null as soon as it has more. */
    private static byte[] readAtMost(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(limit, CHUNK));
        byte[] chunk = new byte[CHUNK];
        for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
            if (body.size() + (long) read > limit) {
                return null;
            }
            body.write(chunk, 0, read);
        }
        return body.toByteArray();
    }

    private static void refuse(HttpServletResponse response, String why) throws IOException {
        // Jetty closes a connection whose request body was left unread; saying so makes it certain.
        response.setHeader("Connection", "close");
        ApiAuthenticationFilter.refuse(response, 413, why + "; nothing of it was kept.");
    }

    /** 65536 is "64 KiB", 314572800 "300 MiB", 1000 "1000 bytes". */
    static String size(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        long value = bytes;
        while (unit < units.length - 1 && value >= 1024 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + " " + units[unit];
    }
}

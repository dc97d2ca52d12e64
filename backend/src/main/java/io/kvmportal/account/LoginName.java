package io.kvmportal.account;

import io.kvmportal.text.VisibleText;
import java.util.regex.Pattern;

/**
 * The rules for a login name. It becomes part of the Linux account {@code kvmp-<login>}, and Linux caps
 * account names at 32 characters, so: a lowercase letter, then lowercase letters, digits or '-', 2 to 27 in all.
 */
public final class LoginName {
    public static final int MIN_LENGTH = 2;
    public static final int MAX_LENGTH = 27;
    public static final String RULE = "2-27 characters: a lowercase letter first, then lowercase letters, digits or '-'";
    private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9-]{1,26}");

    private LoginName() {
    }

    public static boolean isValid(String login) {
        return login != null && VALID.matcher(login).matches();
    }

    /** Answers the login unchanged, or throws naming the value and the rule. */
    public static String require(String login) {
        if (!isValid(login)) {
            throw AccountException.invalid("Login name '" + VisibleText.printable(login) + "' is not valid: " + RULE
                    + ".");
        }
        return login;
    }
}

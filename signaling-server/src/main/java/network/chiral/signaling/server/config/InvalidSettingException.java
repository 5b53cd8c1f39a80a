package network.chiral.signaling.server.config;

/** A setting has a value the server cannot run with. The message names the setting. */
public final class InvalidSettingException extends RuntimeException {
    public InvalidSettingException(Setting setting, String value, String expected) {
        super(setting.variable() + "=" + quote(value) + ": expected " + expected);
    }

    public InvalidSettingException(String message) {
        super(message);
    }

    private static String quote(String value) {
        return value == null ? "(unset)" : "'" + value + "'";
    }
}

package network.chiral.signaling.server.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A setting has a value the server cannot run with. The message names the setting. */
public final class InvalidSettingException extends RuntimeException {
    public InvalidSettingException(Setting setting, String value, String expected) {
        super(setting.variable() + "=" + quote(value) + ": expected " + expected);
    }

    public InvalidSettingException(String message) {
        super(message);
    }

    /** {@code setting} names {@code file}, which has {@code problem}. */
    public static InvalidSettingException file(Setting setting, Path file, String problem) {
        return new InvalidSettingException(setting.variable() + "=" + file + ": " + problem);
    }

    /** {@code setting} names {@code file}, which cannot be read. */
    public static InvalidSettingException unreadable(Setting setting, Path file, IOException e) {
        return file(setting, file, unreadable(e));
    }

    /** Why a file cannot be read, in an operator's words. */
    public static String unreadable(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return "cannot be read (" + e.getMessage() + ")";
    }

    private static String quote(String value) {
        return value == null ? "(unset)" : "'" + value + "'";
    }
}

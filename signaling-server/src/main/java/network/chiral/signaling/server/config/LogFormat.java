package network.chiral.signaling.server.config;

import java.util.Locale;

/** How the executable jar writes its log lines ({@code SIGNALING_LOG_FORMAT}). */
public enum LogFormat {
    /** One human-readable line per event, key=value context at the end. */
    TEXT,
    /** One JSON object per line with the fields Google Cloud Logging reads ({@code severity}...). */
    JSON;

    static LogFormat parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(Setting.LOG_FORMAT, value, "text or json");
        }
    }
}

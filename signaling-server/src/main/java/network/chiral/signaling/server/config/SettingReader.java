package network.chiral.signaling.server.config;

import java.util.function.UnaryOperator;

/** Reads and checks single settings, falling back to their defaults. */
final class SettingReader {
    private final UnaryOperator<String> source;

    SettingReader(UnaryOperator<String> source) {
        this.source = source;
    }

    String raw(Setting setting) {
        String value = source.apply(setting.variable());
        return value == null || value.isBlank() ? setting.defaultValue() : value.trim();
    }

    String text(Setting setting) {
        return raw(setting);
    }

    int integer(Setting setting, int min, int max) {
        String value = raw(setting);
        String expected = "an integer from " + min + " to " + max;
        try {
            long parsed = Long.parseLong(value);
            if (parsed < min || parsed > max) {
                throw new InvalidSettingException(setting, value, expected);
            }
            return (int) parsed;
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(setting, value, expected);
        }
    }
}

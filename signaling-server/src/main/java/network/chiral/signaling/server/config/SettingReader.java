package network.chiral.signaling.server.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Reads and checks single settings, falling back to their defaults. */
final class SettingReader {
    private final UnaryOperator<String> source;
    private final Map<String, String> effective = new LinkedHashMap<>();

    SettingReader(UnaryOperator<String> source) {
        this.source = source;
    }

    String raw(Setting setting) {
        String value = source.apply(setting.variable());
        String chosen = value == null || value.isBlank() ? setting.defaultValue() : value.trim();
        effective.put(setting.variable(), setting.secret() && !chosen.isEmpty() ? "(secret)" : chosen);
        return chosen;
    }

    /** Records a value that was not read through {@link #raw}. */
    void record(Setting setting, String shown) {
        effective.put(setting.variable(), shown);
    }

    /** Every value read so far, secrets masked, in reading order. */
    Map<String, String> effective() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(effective));
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

    /** A comma-separated list, blanks dropped; empty when unset. */
    java.util.List<String> list(Setting setting) {
        return java.util.Arrays.stream(raw(setting).split(","))
                .map(String::trim)
                .filter(item -> !item.isEmpty())
                .toList();
    }

    boolean bool(Setting setting) {
        String value = raw(setting).toLowerCase(java.util.Locale.ROOT);
        if (value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw new InvalidSettingException(setting, value, "true or false");
    }
}

package network.chiral.signaling.server.config;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Command-line flags: each {@link Setting} as {@code --flag value} or {@code --flag=value},
 * plus {@code --help} and {@code --version}. A flag wins over the environment variable.
 *
 * @param values  flag values by setting variable name
 * @param help    {@code --help} was given
 * @param version {@code --version} was given
 */
public record CommandLine(Map<String, String> values, boolean help, boolean version) {

    /**
     * Parses {@code args}.
     *
     * @throws InvalidSettingException for an unknown flag or a flag without a value
     */
    public static CommandLine parse(String... args) {
        Map<String, Setting> byFlag = Arrays.stream(Setting.values())
                .collect(Collectors.toMap(Setting::flag, s -> s));
        Map<String, String> values = new HashMap<>();
        boolean help = false;
        boolean version = false;
        List<String> list = List.of(args);
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (arg.equals("--version") || arg.equals("-V")) {
                version = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String flag = eq > 0 ? arg.substring(0, eq) : arg;
            Setting setting = byFlag.get(flag);
            if (setting == null) {
                throw new InvalidSettingException("unknown option " + flag + " (see --help)");
            }
            String value;
            if (eq > 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < list.size()) {
                value = list.get(++i);
            } else {
                throw new InvalidSettingException(flag + " needs a value");
            }
            values.put(setting.variable(), value);
        }
        return new CommandLine(Map.copyOf(values), help, version);
    }

    /** Flags first, then {@code fallback} (the environment). */
    public UnaryOperator<String> over(UnaryOperator<String> fallback) {
        return name -> Optional.ofNullable(values.get(name)).orElseGet(() -> fallback.apply(name));
    }

    /** The {@code --help} text. */
    public static String usage() {
        StringBuilder text = new StringBuilder("""
                Usage: java -jar signaling-server.jar [options]

                WebRTC signaling server for the Chiral network. Every option can also be set
                through its environment variable; a flag wins over the variable.

                Options (environment variable, default):
                """);
        for (Setting s : Setting.values()) {
            text.append(String.format("  %-26s %s (default %s)%n      %s%n",
                    s.flag() + " VALUE", s.variable(), s.defaultValue().isEmpty() ? "unset" : s.defaultValue(),
                    s.description()));
        }
        text.append("  --help                     print this text\n");
        text.append("  --version                  print the version\n");
        return text.toString();
    }
}

package network.chiral.signaling.it.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.LocalServer;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Scrape;
import network.chiral.signaling.it.fixture.ServerTarget;

/**
 * The alert rules, the Grafana dashboard and the operations guide use only metric names (and
 * label values) that a live server exports.
 */
class MonitoringFilesIT {
    private static final Path DOCS = Path.of("..", "docs");
    private static final Pattern NAME = Pattern.compile("\\b(?:signaling|jvm|process)_[a-z0-9_]*[a-z0-9]\\b");
    private static final Pattern SELECTOR = Pattern.compile("\\b((?:signaling|jvm|process)_[a-z0-9_]+)\\{([^}]*)}");
    private static final Pattern EQUALS = Pattern.compile("([a-z_]+)=\"([^\"$]*)\"");

    @Test
    void everyMetricNameAndLabelInTheMonitoringFilesIsExported() throws Exception {
        Scrape scrape = scrapeAfterTraffic();
        Set<String> exported = scrape.names();
        for (Path file : new Path[] {
            DOCS.resolve("monitoring/alerts.yml"),
            DOCS.resolve("monitoring/grafana-dashboard.json"),
            DOCS.resolve("operations.md")}) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Set<String> used = new LinkedHashSet<>();
            Matcher names = NAME.matcher(text);
            while (names.find()) {
                used.add(names.group());
            }
            assertThat(used).as("metric names in %s", file).isNotEmpty();
            assertThat(exported).as("exported names, checked against %s", file).containsAll(used);

            Matcher selectors = SELECTOR.matcher(text.replace("\\\"", "\""));
            while (selectors.find()) {
                String name = selectors.group(1);
                Matcher pairs = EQUALS.matcher(selectors.group(2));
                while (pairs.find()) {
                    String label = pairs.group(1) + "=\"" + pairs.group(2) + "\"";
                    assertThat(scrape.samples().keySet())
                            .as("a %s series with %s (used in %s)", name, label, file)
                            .anyMatch(series -> series.startsWith(name + "{") && series.contains(label));
                }
            }
        }
    }

    @Test
    void theDashboardIsValidJsonWithPanelsThatAllQuerySomething() throws Exception {
        String text = Files.readString(DOCS.resolve("monitoring/grafana-dashboard.json"), StandardCharsets.UTF_8);
        JsonObject dashboard = Json.createReader(new StringReader(text)).readObject();
        assertThat(dashboard.getJsonArray("panels")).isNotEmpty();
        dashboard.getJsonArray("panels").forEach(panel -> assertThat(panel.asJsonObject().getJsonArray("targets"))
                .as("targets of %s", panel.asJsonObject().getString("title")).isNotEmpty());
    }

    /** Traffic first, so that series with labels known only once they happen exist too. */
    private static Scrape scrapeAfterTraffic() throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.start();
        try (LocalServer server = LocalServer.start(ServerTarget.SUITE_SETTINGS)) {
            try (PeerClient alice = PeerClient.connect(client, server.uri());
                 PeerClient bob = PeerClient.connect(client, server.uri())) {
                alice.register("monitoring-alice");
                bob.register("monitoring-bob");
                alice.send(Frames.relay("offer", "monitoring-bob", "{}"));
                bob.next("offer");
            }
            return Scrape.of(server.httpUri());
        } finally {
            client.stop();
        }
    }
}

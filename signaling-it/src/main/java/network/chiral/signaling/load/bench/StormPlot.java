package network.chiral.signaling.load.bench;

import static network.chiral.signaling.load.bench.PlotCanvas.LEFT;
import static network.chiral.signaling.load.bench.PlotCanvas.TOP;

import java.awt.Color;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Time until every client is registered, for each storm (ws, wss, and each after a restart),
 * one bar per server, its value written on it, on the same {@link PlotCanvas} as {@link LatencyPlot}.
 */
final class StormPlot {
    private static final int RIGHT = 160;
    private static final List<String> GROUPS = List.of("ws", "wss", "ws restart", "wss restart");
    private static final List<Function<Results, Results.Storm>> STORMS = List.of(
            r -> r.stormWs, r -> r.stormWss, r -> r.restartWs, r -> r.restartWss);

    private StormPlot() {
    }

    static void write(Path png, String title, List<Results> servers) throws IOException {
        double max = 1;
        for (Results server : servers) {
            for (Function<Results, Results.Storm> storm : STORMS) {
                Results.Storm s = storm.apply(server);
                if (s != null && s.seconds() > 0) {
                    max = Math.max(max, s.seconds());
                }
            }
        }
        double top = niceCeiling(max * 1.1);
        PlotCanvas canvas = new PlotCanvas(RIGHT);
        Graphics2D g = canvas.g;
        int plotW = canvas.plotW;
        int plotH = canvas.plotH;
        int ticks = 5;
        for (int i = 0; i <= ticks; i++) {
            double value = top * i / ticks;
            int y = TOP + plotH - (int) (value / top * plotH);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.0f s", value), 20, y + 4);
        }
        g.drawRect(LEFT, TOP, plotW, plotH);
        int groupW = plotW / GROUPS.size();
        int barW = Math.max(8, (groupW - 30) / Math.max(1, servers.size()));
        for (int gi = 0; gi < GROUPS.size(); gi++) {
            int groupX = LEFT + gi * groupW + 15;
            g.setColor(Color.BLACK);
            g.drawString(GROUPS.get(gi), groupX + (groupW - 30) / 2 - 25, TOP + plotH + 20);
            for (int si = 0; si < servers.size(); si++) {
                Results.Storm s = STORMS.get(gi).apply(servers.get(si));
                if (s == null || !(s.seconds() > 0)) {
                    continue;
                }
                int h = (int) (s.seconds() / top * plotH);
                int x = groupX + si * barW;
                g.setColor(PlotCanvas.color(si));
                g.fillRect(x, TOP + plotH - h, barW - 4, h);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.1f", s.seconds()), x, TOP + plotH - h - 4);
            }
        }
        canvas.captions("time until every client is registered (lower is better)", 150, title);
        int legendY = TOP + 10;
        for (int si = 0; si < servers.size(); si++) {
            g.setColor(PlotCanvas.color(si));
            g.fillRect(LEFT + plotW + 15, legendY - 8, 20, 12);
            g.setColor(Color.BLACK);
            g.drawString(servers.get(si).name, LEFT + plotW + 42, legendY + 3);
            legendY += 24;
        }
        canvas.write(png);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    private static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }
}

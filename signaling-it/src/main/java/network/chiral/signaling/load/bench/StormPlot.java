package network.chiral.signaling.load.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import javax.imageio.ImageIO;

/**
 * Time until every client is registered, for each storm (ws, wss, and each after a restart),
 * one bar per server, its value written on it. Plain AWT, headless, like {@link LatencyPlot}.
 */
final class StormPlot {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final int LEFT = 80;
    private static final int RIGHT = 160;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)};
    private static final List<String> GROUPS = List.of("ws", "wss", "ws restart", "wss restart");
    private static final List<Function<Results, Results.Storm>> STORMS = List.of(
            r -> r.stormWs, r -> r.stormWss, r -> r.restartWs, r -> r.restartWss);

    private StormPlot() {
    }

    static void write(Path png, String title, List<Results> servers) throws IOException {
        System.setProperty("java.awt.headless", "true");
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
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
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
                g.setColor(COLORS[si % COLORS.length]);
                g.fillRect(x, TOP + plotH - h, barW - 4, h);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.1f", s.seconds()), x, TOP + plotH - h - 4);
            }
        }
        g.drawString("time until every client is registered (lower is better)", LEFT + plotW / 2 - 150, HEIGHT - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int legendY = TOP + 10;
        for (int si = 0; si < servers.size(); si++) {
            g.setColor(COLORS[si % COLORS.length]);
            g.fillRect(LEFT + plotW + 15, legendY - 8, 20, 12);
            g.setColor(Color.BLACK);
            g.drawString(servers.get(si).name, LEFT + plotW + 42, legendY + 3);
            legendY += 24;
        }
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(image, "png", png.toFile());
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

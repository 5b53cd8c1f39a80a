package network.chiral.signaling.load.bench;

import static network.chiral.signaling.load.bench.PlotCanvas.LEFT;
import static network.chiral.signaling.load.bench.PlotCanvas.TOP;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Round-trip latency against offered rate, one line per server (p99 solid, p50 dashed), on a
 * logarithmic latency axis so that a server ten times slower still fits.
 */
final class LatencyPlot {
    private static final int RIGHT = 200;

    private LatencyPlot() {
    }

    static void write(Path png, String title, List<Results> servers) throws IOException {
        double maxRate = 1;
        double minMs = Double.MAX_VALUE;
        double maxMs = 0;
        for (Results server : servers) {
            for (Results.Rate rate : server.rates) {
                maxRate = Math.max(maxRate, rate.offered());
                for (double v : new double[] {rate.p50Millis(), rate.p99Millis()}) {
                    if (v > 0 && !Double.isNaN(v)) {
                        minMs = Math.min(minMs, v);
                        maxMs = Math.max(maxMs, v);
                    }
                }
            }
        }
        if (maxMs == 0) {
            minMs = 0.1;
            maxMs = 10;
        }
        double lo = Math.floor(Math.log10(minMs));
        double hi = Math.max(lo + 1, Math.ceil(Math.log10(maxMs)));
        PlotCanvas canvas = new PlotCanvas(RIGHT);
        Graphics2D g = canvas.g;
        int plotW = canvas.plotW;
        int plotH = canvas.plotH;
        g.setColor(new Color(0xdddddd));
        for (double e = lo; e <= hi; e++) {
            int y = TOP + plotH - (int) ((e - lo) / (hi - lo) * plotH);
            g.drawLine(LEFT, y, LEFT + plotW, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);
        for (double e = lo; e <= hi; e++) {
            int y = TOP + plotH - (int) ((e - lo) / (hi - lo) * plotH);
            String label = Math.pow(10, e) >= 1 ? String.format("%.0f ms", Math.pow(10, e))
                    : String.format("%s ms", Math.pow(10, e));
            g.drawString(label, 8, y + 4);
        }
        int ticks = 5;
        for (int i = 0; i <= ticks; i++) {
            double rate = maxRate * i / ticks;
            int x = LEFT + (int) (rate / maxRate * plotW);
            g.drawLine(x, TOP + plotH, x, TOP + plotH + 5);
            g.drawString(String.format("%.0f", rate), x - 15, TOP + plotH + 20);
        }
        canvas.captions("offered load (relayed messages per second)", 130, title);
        int legendY = TOP + 10;
        for (int s = 0; s < servers.size(); s++) {
            Results server = servers.get(s);
            Color color = PlotCanvas.color(s);
            g.setColor(color);
            drawSeries(g, server, true, maxRate, lo, hi, plotW, plotH);
            drawSeries(g, server, false, maxRate, lo, hi, plotW, plotH);
            g.setStroke(new BasicStroke(2.5f));
            g.drawLine(LEFT + plotW + 15, legendY, LEFT + plotW + 40, legendY);
            g.setColor(Color.BLACK);
            g.drawString(server.name + " p99", LEFT + plotW + 45, legendY + 4);
            g.setColor(color);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
            g.drawLine(LEFT + plotW + 15, legendY + 18, LEFT + plotW + 40, legendY + 18);
            g.setColor(Color.BLACK);
            g.drawString(server.name + " p50", LEFT + plotW + 45, legendY + 22);
            legendY += 48;
        }
        canvas.write(png);
    }

    private static void drawSeries(Graphics2D g, Results server, boolean p99, double maxRate, double lo, double hi,
                                   int plotW, int plotH) {
        g.setStroke(p99 ? new BasicStroke(2.5f)
                : new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
        int px = -1;
        int py = -1;
        for (Results.Rate rate : server.rates) {
            double ms = p99 ? rate.p99Millis() : rate.p50Millis();
            if (!(ms > 0)) {
                continue;
            }
            int x = LEFT + (int) (rate.offered() / maxRate * plotW);
            double e = Math.max(lo, Math.min(hi, Math.log10(ms)));
            int y = TOP + plotH - (int) ((e - lo) / (hi - lo) * plotH);
            g.fillOval(x - 3, y - 3, 7, 7);
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            px = x;
            py = y;
        }
    }
}

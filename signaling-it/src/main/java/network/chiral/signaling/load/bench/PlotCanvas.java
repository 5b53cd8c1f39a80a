package network.chiral.signaling.load.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/**
 * What the benchmark's plots share, so that they look alike side by side in the report: the
 * image, its margins around the plot area, the fonts, the colour of each server and the
 * captions. Plain AWT, headless.
 */
final class PlotCanvas {
    static final int WIDTH = 900;
    static final int HEIGHT = 540;
    static final int LEFT = 80;
    static final int TOP = 50;
    static final int BOTTOM = 60;
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)};
    private static final Font PLAIN = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private final BufferedImage image;
    final Graphics2D g;
    /** The plot area's size; it starts at {@link #LEFT}, {@link #TOP}. */
    final int plotW;
    final int plotH;

    /** @param right room right of the plot area, for the legend */
    PlotCanvas(int right) {
        System.setProperty("java.awt.headless", "true");
        image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        plotW = WIDTH - LEFT - right;
        plotH = HEIGHT - TOP - BOTTOM;
        g.setFont(PLAIN);
    }

    /** The colour of the {@code index}th server. */
    static Color color(int index) {
        return COLORS[index % COLORS.length];
    }

    /**
     * What the horizontal axis shows, under the plot area (its text starting {@code halfWidth}
     * left of the area's middle, to look centred), and the title above it.
     */
    void captions(String axis, int halfWidth, String title) {
        g.drawString(axis, LEFT + plotW / 2 - halfWidth, HEIGHT - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, LEFT, 30);
        g.setFont(PLAIN);
    }

    void write(Path png) throws IOException {
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(image, "png", png.toFile());
    }
}

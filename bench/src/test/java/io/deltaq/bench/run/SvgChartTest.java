package io.deltaq.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgChartTest {

    @Test
    void rendersWellFormedSvgWithOneLinePerSeriesOnALogAxis() throws Exception {
        SvgChart chart = new SvgChart("latency <by> rate", "rate", "ms")
                .add(new SvgChart.Series("p50", "#111", "", List.of(new SvgChart.Point(10_000, 5),
                        new SvgChart.Point(70_000, 50), new SvgChart.Point(130_000, 0), new SvgChart.Point(190_000, 500))))
                .add(new SvgChart.Series("p99", "#222", "6 4", List.of(new SvgChart.Point(10_000, 20),
                        new SvgChart.Point(190_000, Double.NaN))));
        String svg = chart.render();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getTagName());
        assertEquals(2, doc.getElementsByTagName("polyline").getLength());
        // Non-positive and NaN values have no place on a log axis: 3 + 1 dots.
        assertEquals(4, doc.getElementsByTagName("circle").getLength());
        assertTrue(svg.contains("latency &lt;by&gt; rate"), svg);
        for (String decade : new String[] {">1<", ">10<", ">100<", ">1k<"}) {
            assertTrue(svg.contains(decade), "decade label " + decade);
        }
    }

    @Test
    void anEmptyChartSaysSo() {
        assertTrue(new SvgChart("t", "x", "y").render().contains(">no data<"));
    }

    @Test
    void ticksAreRound() {
        assertEquals(List.of(50_000.0, 100_000.0, 150_000.0, 200_000.0, 250_000.0), SvgChart.ticks(10_000, 250_000));
    }
}

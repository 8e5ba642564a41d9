package dev.kiln.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.vuln.compare.ImageComparison;
import dev.kiln.vuln.compare.ImageFacts;
import dev.kiln.vuln.match.Severity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ComparisonReportTest {
    private static final Instant BUILT = Instant.parse("2025-06-01T00:00:00Z");

    private static ImageFacts facts(String name, long compressed, long uncompressed, List<String> shells) {
        ImageFacts.PackageAge age = new ImageFacts.PackageAge("libc6", "2.36-9", BUILT);
        return new ImageFacts(
                name,
                "linux/amd64",
                compressed,
                uncompressed,
                1,
                90,
                90,
                Map.of(Severity.HIGH, 2),
                shells,
                List.of(),
                "0",
                age,
                age,
                4_000,
                List.of("usr/bin/su", "usr/bin/passwd"));
    }

    @Test
    void oneSelfContainedPageWithTheSizeChartAndEveryRowEscaped() throws Exception {
        String hostile = "evil<script>alert('x')</script>&\"";
        ImageComparison cmp = new ImageComparison(
                facts(hostile, 76_800_000, 200_000_000, List.of("sh", "bash")),
                facts("kiln/python:3.13", 20_000_000, 60_000_000, List.of()),
                Instant.parse("2025-06-11T00:00:00Z"));

        String html = ComparisonReport.html(cmp);

        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .doesNotContain("<script", hostile)
                .contains("evil&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;")
                .contains("3.8× smaller compressed, 3.3× smaller uncompressed")
                .doesNotContain("src=", "href=", "url(", "@import")
                .contains("<th scope=\"row\" class=\"sub\">high</th><td>2</td><td>2</td>");
        assertThat(ComparisonReport.html(cmp)).as("same comparison, same bytes").isEqualTo(html);

        // well-formed: an XML parser, stricter than any browser, reads the whole page
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        Document doc = dbf.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        Element svg = (Element) doc.getElementsByTagName("svg").item(0);
        assertThat(svg.getAttribute("id")).isEqualTo("size-chart");
        NodeList bars = svg.getElementsByTagName("g");
        assertThat(bars.getLength()).isEqualTo(4);
        assertThat(((Element) bars.item(0)).getAttribute("data-bytes")).isEqualTo("20000000");
        assertThat(((Element) bars.item(1)).getAttribute("data-bytes")).isEqualTo("76800000");
        assertThat(doc.getElementsByTagName("title").item(0).getTextContent())
                .isEqualTo("kiln/python:3.13 against " + hostile);
        Element table = (Element) doc.getElementsByTagName("table").item(0);
        NodeList rows = table.getElementsByTagName("tbody").item(0).getChildNodes();
        assertThat(rows.getLength()).isEqualTo(cmp.rows().size());
        assertThat(table.getTextContent())
                .contains("setuid/setgid files22")
                .contains("files4000")
                .contains("shellyes (sh, bash)no");
    }
}

package io.github.sqsreliable.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class XrayTraceHeaderTest {

    private static final String TRACE_ID = "5759e988bd862e3fe1be46a994272793";
    private static final String SPAN_ID = "53995c3f42cd8ad8";

    @Test
    void readsTheRootAsTheTraceIdAndTheParentAsTheSpanId() {
        assertThat(XrayTraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"))
                .contains(new XrayTraceHeader(TRACE_ID, SPAN_ID, true));
    }

    @Test
    void acceptsKeysInAnyCaseUppercaseHexAnyOrderSpacesAndUnknownFields() {
        assertThat(XrayTraceHeader.parse("root=1-5759E988-BD862E3FE1BE46A994272793; parent=53995C3F42CD8AD8;"
                + "sampled=1;Lineage=a87bd80c:1|68fd508a:5"))
                .contains(new XrayTraceHeader(TRACE_ID, SPAN_ID, true));
        assertThat(XrayTraceHeader.parse("Sampled=1;Parent=53995c3f42cd8ad8;Root=1-5759e988-bd862e3fe1be46a994272793"))
                .contains(new XrayTraceHeader(TRACE_ID, SPAN_ID, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sampled=0", "Sampled=?", "Sampled=", ""})
    void anythingButSampledOneIsNotSampled(String sampled) {
        assertThat(XrayTraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;" + sampled))
                .contains(new XrayTraceHeader(TRACE_ID, SPAN_ID, false));
    }

    @Test
    void aHeaderWithoutAParentGivesNothing() {
        // X-Ray allows it (the sender started no segment), but a span needs a parent span id.
        assertThat(XrayTraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Root=1-5759e988-bd862e3fe1be46a99427279;Parent=53995c3f42cd8ad8;Sampled=1",    // root one digit short
            "Root=1-5759e988-bd862e3fe1be46a9942727933;Parent=53995c3f42cd8ad8;Sampled=1",  // root one digit long
            "Root=1-5759e98-8bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",   // dash misplaced
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad;Sampled=1",    // parent one digit short
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad80;Sampled=1",  // parent one digit long
            "Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",   // unknown version
            "Root=1-5759e988-bd862e3fe1be46a99427279g;Parent=53995c3f42cd8ad8;Sampled=1",   // not hex
            "Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8;Sampled=1",   // all-zero trace id
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000;Sampled=1",   // all-zero span id
            "Parent=53995c3f42cd8ad8;Sampled=1",                                             // no root
            "garbage", ";;;", "=;=", "Root=;Parent=", "Root", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})
    void aMalformedHeaderGivesNothingAndThrowsNothing(String header) {
        assertThat(XrayTraceHeader.parse(header)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void noHeaderGivesNothing(String header) {
        assertThat(XrayTraceHeader.parse(header)).isEmpty();
    }

    @Test
    void aHeaderLongerThanSqsAllowsIsNotRead() {
        String valid = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
        assertThat(XrayTraceHeader.parse(valid + ";Pad=" + "x".repeat(XrayTraceHeader.MAX_LENGTH))).isEmpty();
    }

    @Test
    void writesTheFormatItReads() {
        XrayTraceHeader header = new XrayTraceHeader(TRACE_ID, SPAN_ID, true);
        assertThat(header.format())
                .isEqualTo("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
        assertThat(XrayTraceHeader.parse(header.format())).isEqualTo(Optional.of(header));
        assertThat(new XrayTraceHeader(TRACE_ID, SPAN_ID, false).format()).endsWith(";Sampled=0");
    }
}

package io.xconf.mixer;

/**
 * A leg's media counters since it joined.
 *
 * @param packetsReceived RTP packets accepted
 * @param packetsLost RTP packets never received (by sequence number, RFC 3550 appendix A.3)
 * @param packetsLate packets that came after their playout time
 * @param packetsDiscarded packets refused: malformed, oversized, unknown payload type, wrong source
 *     or SSRC
 * @param jitterMillis interarrival jitter (RFC 3550 section 6.4.1)
 * @param packetsSent RTP packets sent to the participant
 */
public record MediaStatistics(
    long packetsReceived,
    long packetsLost,
    long packetsLate,
    long packetsDiscarded,
    double jitterMillis,
    long packetsSent) {}

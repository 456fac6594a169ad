package io.xconf.mixer;

/**
 * A leg whose audio is in the mix.
 *
 * @param legId the leg
 * @param levelDbov its level in dB below the overload point (RFC 6464): 0 is the loudest, -127 is
 *     silence
 */
public record Speaker(String legId, int levelDbov) {}

package io.xconf.mixer;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which audio codecs a conference lets its calls use, from its RFC 6501 {@code <codecs>}: each
 * {@code <codec>}'s {@code <subtype>} (an RTP payload format name such as {@code opus}, {@code
 * G722}, {@code PCMU}) and policy. A codec named disallowed is never used. Under the decision
 * "automatic" the mixer may use any other codec it has; under "moderator-controlled" only those the
 * moderator named allowed. The mixer picks among them in its own order of preference. Subtypes
 * compare without regard to case.
 *
 * @param onlyAllowed the decision is the moderator's: nothing but the codecs named allowed
 * @param allowed subtypes named allowed
 * @param disallowed subtypes named disallowed
 */
public record CodecPolicy(boolean onlyAllowed, Set<String> allowed, Set<String> disallowed) {

  /** Every codec the mixer has. */
  public static final CodecPolicy ANY = new CodecPolicy(false, Set.of(), Set.of());

  public CodecPolicy {
    allowed = normalized(allowed);
    disallowed = normalized(disallowed);
  }

  private static Set<String> normalized(Set<String> subtypes) {
    return subtypes.stream()
        .map(subtype -> subtype.strip().toLowerCase(Locale.ROOT))
        .filter(subtype -> !subtype.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Whether a codec, by its RTP payload format subtype, may be used. */
  public boolean allows(String subtype) {
    String name = subtype.toLowerCase(Locale.ROOT);
    return !disallowed.contains(name) && (!onlyAllowed || allowed.contains(name));
  }
}

package io.xconf.model;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The conference objects of this server. Every operation on one object is atomic and serialized
 * with the others on it; operations on different objects run in parallel. A successful return means
 * the change is durable.
 */
@ProviderType
public interface ConferenceService {

  /** The blueprints, ordered by URI. */
  List<ConferenceObject> blueprints();

  /** The conferences (not blueprints, not sidebars), ordered by URI. */
  List<ConferenceObject> conferences();

  /** The sidebars of a conference. */
  List<ConferenceObject> sidebars(String conferenceUri);

  /** An object by XCON-URI, with its effective document. */
  Optional<ConferenceObject> get(String uri);

  /**
   * The XCON-USERID of the account a target belongs to: an XCON-USERID of a known account, or a
   * SIP, SIPS or tel URI that reaches one. Empty when no account matches.
   */
  Optional<String> userIdOf(String target);

  /** The URI of the blueprint used when a creation names neither parent nor document. */
  String defaultBlueprintUri();

  /**
   * Creates a conference or sidebar as a clone of its parent, with the request's document over it.
   *
   * @throws ModelException 404 unknown parent, 400 a bad document or misplaced placeholder, 427 a
   *     placeholder in a foreign domain, 426 a value its parent enforces, 403 cloning a sidebar
   */
  ConferenceObject create(CreateRequest request) throws ModelException;

  /**
   * Applies a partial update (RFC 6503 section 5.3.4) after checking all of it.
   *
   * @param actor an XCON-USERID or component name, passed on in the change event
   * @throws ModelException 404 unknown object, 403 a blueprint, 400/427 as for create, 426 a value
   *     a parent enforces
   */
  ConferenceObject update(String uri, XmlElement update, String actor) throws ModelException;

  /**
   * Applies several partial updates, in order, as one change: one new version, one durable write,
   * one {@link ConferenceChange}. Each update's values are checked, and the change as a whole
   * against what the parent enforces and the conference's policies. If any is refused, none is
   * applied. An element an update sends empty (RFC 6503's removal) is judged against the document
   * as it was before the batch: send removals as {@code state="deleted"} to remove what an earlier
   * update of the same batch added.
   *
   * @throws ModelException as for {@link #update(String, XmlElement, String)}
   */
  ConferenceObject update(String uri, java.util.List<XmlElement> updates, String actor)
      throws ModelException;

  /**
   * Deletes a conference or sidebar.
   *
   * @throws ModelException 404 unknown, 403 a blueprint, 425 others are cloned from it
   */
  void delete(String uri, String actor) throws ModelException;
}

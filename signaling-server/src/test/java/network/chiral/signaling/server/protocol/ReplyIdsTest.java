package network.chiral.signaling.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The ids of a {@code peers} reply: the caller's first, the listing's after it, never twice, capped. */
class ReplyIdsTest {

    /** What a reply must list, written the plain way. */
    private static List<String> expected(String caller, List<String> listed, int limit) {
        return Stream.concat(Stream.of(caller), listed.stream().filter(id -> !id.equals(caller)))
                .limit(limit).toList();
    }

    @Test
    void aNewcomerComesFirstAndTheListingFollowsUpToTheLimit() {
        ReplyIds ids = new ReplyIds(3);
        List<String> listed = List.of("a", "b", "c", "d");

        assertThat(ids.forCaller("me", listed)).containsExactly("me", "a", "b");
        assertThat(ids.forCaller("you", listed)).containsExactly("you", "a", "b");
    }

    @Test
    void aCallerAlreadyListedIsListedOnceWhetherTheListingIsNewOrSeenBefore() {
        ReplyIds ids = new ReplyIds(10);
        List<String> listed = List.of("a", "b", "c");

        // new String: the caller's id arrives in its own frame, not as the directory's string
        assertThat(ids.forCaller(new String("b"), listed)).containsExactly("b", "a", "c");
        assertThat(ids.forCaller(new String("b"), listed)).containsExactly("b", "a", "c");
        assertThat(ids.forCaller(new String("c"), listed)).containsExactly("c", "a", "b");
    }

    @Test
    void aListingHandedOutAgainGivesTheRepliesASearchWould() {
        List<String> listed = IntStream.range(0, 50).mapToObj(i -> "id-" + i).collect(Collectors.toUnmodifiableList());
        for (int limit : new int[] {1, 2, 10, 50, 51, 100}) {
            ReplyIds ids = new ReplyIds(limit);
            for (String caller : List.of("id-0", "id-7", "id-49", "id-50", "new", "id-7", "new")) {
                assertThat(ids.forCaller(caller, listed)).as("caller %s, limit %d", caller, limit)
                        .isEqualTo(expected(caller, listed, limit));
            }
        }
    }

    @Test
    void aChangedListingIsNotAnsweredFromTheSetOfTheOldOne() {
        ReplyIds ids = new ReplyIds(10);
        List<String> before = List.of("a", "b");
        ids.forCaller("x", before);
        ids.forCaller("y", before);
        List<String> after = List.of("a", "c");

        assertThat(ids.forCaller("c", after)).containsExactly("c", "a");
        assertThat(ids.forCaller("c", after)).containsExactly("c", "a");
        assertThat(ids.forCaller("b", after)).containsExactly("b", "a", "c");
    }

    @Test
    void anEmptyListingListsTheCallerAlone() {
        ReplyIds ids = new ReplyIds(1000);

        assertThat(ids.forCaller("me", List.of())).containsExactly("me");
        assertThat(ids.forCaller("me", List.of())).containsExactly("me");
    }
}

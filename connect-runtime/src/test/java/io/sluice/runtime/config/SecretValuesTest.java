package io.sluice.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretValuesTest {

    @Test
    void aPasswordThatIsAlsoPartOfAClassNameLeavesTheNameWholeButIsHiddenWhereItStandsAlone() {
        SecretValues secrets = new SecretValues(List.of("postgres"));

        assertEquals("Root cause: org.postgresql.util.PSQLException: password authentication failed for user \"[hidden]\"",
                secrets.redact("Root cause: org.postgresql.util.PSQLException: password authentication failed for user "
                        + "\"postgres\""));
        assertEquals("set it in postgresql.conf", secrets.redact("set it in postgresql.conf"),
                "no mask inside a longer word: it would garble the text and show where the password sits");
        assertEquals("jdbc:postgresql://db/shop?user=app&password=[hidden]&ssl=true",
                secrets.redact("jdbc:postgresql://db/shop?user=app&password=postgres&ssl=true"));
        assertEquals("s3://[hidden]@bucket [hidden]", secrets.redact("s3://postgres@bucket postgres"));
    }

    @Test
    void aSecretEdgedWithPunctuationIsHiddenWhereverItStandsAndTheLongestFirst() {
        SecretValues secrets = new SecretValues(List.of("p@ss!", "Pl4in-S3cret", "Pl4in-S3cret-longer"));

        assertEquals("login:[hidden]failed", secrets.redact("login:p@ss!failed"), "its punctuation edge needs no guard");
        assertEquals("[hidden] and [hidden]", secrets.redact("Pl4in-S3cret-longer and Pl4in-S3cret"));
    }
}

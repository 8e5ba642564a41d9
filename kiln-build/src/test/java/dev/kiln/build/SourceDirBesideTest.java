package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** melange's folder of a recipe's local files, found beside the recipe, or beside the file a linked recipe names. */
class SourceDirBesideTest {
    @TempDir
    Path dir;

    @Test
    void theFolderNamedAfterThePackageBesideTheRecipe() throws IOException {
        Path recipe = Files.writeString(dir.resolve("tools.yaml"), "package: {name: tools}\n");
        Files.createDirectory(dir.resolve("tools"));

        assertThat(BuildOptions.sourceDirBeside(recipe, "tools"))
                .isEqualTo(dir.resolve("tools").toRealPath());
        assertThat(BuildOptions.sourceDirBeside(recipe, "other")).isNull();
    }

    /** The distribution's catalog links the examples' test tools: their scripts stay beside the examples' recipe. */
    @Test
    void aLinkedRecipeFindsTheFolderBesideTheFileItLinksTo() throws IOException {
        Path examples = Files.createDirectory(dir.resolve("examples"));
        Files.writeString(examples.resolve("tools.yaml"), "package: {name: tools}\n");
        Files.createDirectory(examples.resolve("tools"));
        Path catalog = Files.createDirectory(dir.resolve("catalog"));
        Path link = Files.createSymbolicLink(catalog.resolve("tools.yaml"), Path.of("../examples/tools.yaml"));

        assertThat(BuildOptions.sourceDirBeside(link, "tools"))
                .isEqualTo(examples.resolve("tools").toRealPath());
    }
}

package dev.kiln.content;

/**
 * Test-only class that breaks the module table on purpose (content may use no other Kiln
 * module), so the layering test can show that its rule actually fails.
 */
public final class LayeringViolationFixture {
    public static String name() {
        return dev.kiln.build.BuildException.class.getName();
    }
}

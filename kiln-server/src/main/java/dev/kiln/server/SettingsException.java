package dev.kiln.server;

/** A setting that cannot be used as given: names the setting, what was found and what was expected. */
public class SettingsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SettingsException(String message) {
        super(message);
    }
}

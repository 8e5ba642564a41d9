package dev.kiln.build.analysis;

/** A package directory could not be analysed (unreadable file, malformed ELF); the message names the file. */
public class AnalysisException extends dev.kiln.build.BuildException {

    private static final long serialVersionUID = 1L;

    public AnalysisException(String message) {
        super(message);
    }

    public AnalysisException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.kiln.image.internal;

import dev.kiln.image.ImageException;
import java.util.ArrayList;
import java.util.List;

/** POSIX shell word splitting without expansion, as apko applies to {@code entrypoint.command} and {@code cmd}. */
public final class Shlex {
    private Shlex() {}

    public static List<String> split(String text, String what) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < text.length() && "\"\\$`".indexOf(text.charAt(i + 1)) >= 0) {
                    cur.append(text.charAt(++i));
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < text.length()) {
                cur.append(text.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new ImageException(what + ": unterminated " + quote + " quote in '" + text + "'");
        }
        if (inWord) {
            words.add(cur.toString());
        }
        return words;
    }
}

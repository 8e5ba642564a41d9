package dev.kiln.vuln;

import java.util.Arrays;
import java.util.Optional;

/** The seven false-positive types and the OpenVEX justification each maps to (vulnerabilities.md §6.3). */
public enum FalsePositiveType {
    VULNERABILITY_RECORD_ANALYSIS_CONTESTED("vulnerability-record-analysis-contested", "vulnerable_code_not_present"),
    COMPONENT_VULNERABILITY_MISMATCH("component-vulnerability-mismatch", "component_not_present"),
    VULNERABLE_CODE_VERSION_NOT_USED("vulnerable-code-version-not-used", "vulnerable_code_not_present"),
    VULNERABLE_CODE_NOT_INCLUDED_IN_PACKAGE("vulnerable-code-not-included-in-package", "vulnerable_code_not_present"),
    VULNERABLE_CODE_NOT_IN_EXECUTION_PATH(
            "vulnerable-code-not-in-execution-path", "vulnerable_code_not_in_execute_path"),
    VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY(
            "vulnerable-code-cannot-be-controlled-by-adversary", "vulnerable_code_cannot_be_controlled_by_adversary"),
    INLINE_MITIGATIONS_EXIST("inline-mitigations-exist", "inline_mitigations_already_exist");

    private final String wireName;
    private final String vexJustification;

    FalsePositiveType(String wireName, String vexJustification) {
        this.wireName = wireName;
        this.vexJustification = vexJustification;
    }

    public String wireName() {
        return wireName;
    }

    public String vexJustification() {
        return vexJustification;
    }

    public static Optional<FalsePositiveType> ofWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}

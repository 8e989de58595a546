"""Static files as production serves them: hashed names, compressed, cached for ever."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, without following source-map comments.

    The NHS.UK frontend's stylesheet and script name source maps (``.map``) that its package
    does not ship; following them would fail ``collectstatic``. Browsers only fetch maps when
    developer tools ask, so nothing a person sees depends on them.
    """

    patterns = tuple(
        (
            suffix,
            tuple(
                rule
                for rule in rules
                if "sourceMappingURL" not in (rule[0] if isinstance(rule, tuple) else rule)
            ),
        )
        for suffix, rules in CompressedManifestStaticFilesStorage.patterns
    )

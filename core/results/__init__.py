"""The public results of a phase: what the initiator reports back once participation has ended.

An initiator writes, per phase, what came out of it and what happens next, and
may link to the revised draft; plugins add their figures through the
``phase_results`` hook. Until the initiator publishes the results, only the
project's staff see the page (as a preview); everyone else gets a 404.

- :mod:`.models`: the ``core_phase_result`` table, one row per phase;
- :mod:`.sections`: the plugins' figures (``result_sections``);
- :mod:`.forms`: the initiator's form (text, next steps, link);
- :mod:`.views`: the public pages, the summary report and the initiator's editing.
"""

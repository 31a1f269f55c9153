namespace Orchestrator.Agents.Llm;

/// <summary>A transcript read by <see cref="LlmTranscript.Read"/>.</summary>
/// <param name="Path">The file.</param>
/// <param name="Entries">Its calls, in order (every agent's).</param>
/// <param name="TornTail">Its last line was cut short (a write interrupted) and left out.</param>
public sealed record LlmTranscriptFile(string Path, IReadOnlyList<LlmTranscriptEntry> Entries, bool TornTail);

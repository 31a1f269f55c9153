using System.Globalization;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// A replayed model call that is not the recorded one (another prompt, another event time, or a call
/// past the transcript's end): the replay is no longer the recorded run (<see cref="LlmTranscriptReplayer"/>).
/// </summary>
public sealed class LlmTranscriptMismatchException : InvalidOperationException
{
    public LlmTranscriptMismatchException(string path, int line, string reason)
        : base(Describe(path, line, reason))
    {
        TranscriptPath = path;
        Line = line;
        Reason = reason;
    }

    public LlmTranscriptMismatchException()
        : this(string.Empty, 0, "the replay diverged")
    {
    }

    public LlmTranscriptMismatchException(string message)
        : this(string.Empty, 0, message)
    {
    }

    public LlmTranscriptMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
        TranscriptPath = string.Empty;
        Reason = message;
    }

    /// <summary>The transcript file.</summary>
    public string TranscriptPath { get; }

    /// <summary>1-based line of the recorded call the replay differs from; 0 past the end.</summary>
    public int Line { get; }

    /// <summary>What differs.</summary>
    public string Reason { get; }

    private static string Describe(string path, int line, string reason) => line > 0
        ? string.Create(CultureInfo.InvariantCulture, $"LLM transcript '{path}' line {line}: {reason}")
        : string.Create(CultureInfo.InvariantCulture, $"LLM transcript '{path}': {reason}");
}

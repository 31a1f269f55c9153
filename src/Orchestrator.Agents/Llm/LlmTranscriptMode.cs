namespace Orchestrator.Agents.Llm;

/// <summary>How <see cref="LlmTranscriptRecorder"/> opens its file.</summary>
public enum LlmTranscriptMode
{
    /// <summary>Add to the transcript of earlier runs (the daemon: one file per agent across restarts).</summary>
    Append = 0,

    /// <summary>Start a new transcript; an existing file is an error, never overwritten (a backtest's recording).</summary>
    CreateNew = 1,
}

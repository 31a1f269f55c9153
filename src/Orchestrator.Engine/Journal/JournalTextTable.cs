namespace Orchestrator.Engine.Journal;

/// <summary>Which <see cref="Core.TextInterner"/> a <see cref="JournalRecordType.TextInterned"/> record belongs to.</summary>
public enum JournalTextTable : byte
{
    /// <summary><see cref="TradingEngine.Sources"/>: names of signal senders (<see cref="Core.EngineEvent.SourceId"/>).</summary>
    Sources = 0,

    /// <summary><see cref="TradingEngine.Reasons"/>: free-text signal reasons (<see cref="Core.EngineEvent.ReasonId"/>).</summary>
    Reasons = 1,
}

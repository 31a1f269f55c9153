using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>One line's signal, validated and interned, ready for the ring slot.</summary>
internal struct ParsedSignal
{
    public int SymbolId;
    public Side Side;
    public int ConfidencePpm;
    public long PriceRaw;
    public int SourceId;
    public int ReasonId;

    /// <summary>Offset of the client's id (raw JSON string content, escapes kept) in the line; -1 = none.</summary>
    public int IdOffset;

    public int IdLength;
}

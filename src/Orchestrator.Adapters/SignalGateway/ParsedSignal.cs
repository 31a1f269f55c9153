using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>One line's signal, validated and interned, ready for the ring slot.</summary>
internal struct ParsedSignal
{
    public int SymbolId;
    public Side Side;
    public int ConfidencePpm;

    /// <summary>The order intent: type, limit price (<c>price</c> or <c>limit_price</c>), stop price, time in force, quantity, and (issue 19) the exits, action and target order.</summary>
    public SignalIntent Intent;

    /// <summary>Whether the line named an <c>order_type</c> (without one, the prices decide).</summary>
    public bool OrderTypeGiven;

    /// <summary>The line's <c>quantity</c> in shares (0 = none), converted into <see cref="Intent"/>'s units once the symbol is known.</summary>
    public decimal QuantityShares;
    public int SourceId;
    public int ReasonId;

    /// <summary>Offset of the client's id (raw JSON string content, escapes kept) in the line; -1 = none.</summary>
    public int IdOffset;

    public int IdLength;
}

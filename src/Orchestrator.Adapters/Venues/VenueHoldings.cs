namespace Orchestrator.Adapters.Venues;

/// <summary>
/// The account as the venue books it: the cash the engine's cash figure stands for and the shares
/// held per venue symbol. What a reconciliation compares the engine's portfolio with.
/// </summary>
/// <param name="Cash">The account's cash in the session's currency (decimal, never double).</param>
/// <param name="Positions">Shares held by venue symbol (negative when short); symbols with none may be absent.</param>
public sealed record VenueHoldings(decimal Cash, IReadOnlyDictionary<string, decimal> Positions)
{
    /// <summary>Shares held in <paramref name="symbol"/> (0 when the venue lists none).</summary>
    public decimal PositionOf(string symbol) => Positions.TryGetValue(symbol, out decimal quantity) ? quantity : 0m;
}

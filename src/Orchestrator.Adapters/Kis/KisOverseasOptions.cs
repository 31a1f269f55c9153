namespace Orchestrator.Adapters.Kis;

/// <summary>How a <see cref="KisVenueClient"/> trades US stocks through KIS's overseas endpoints.</summary>
public sealed record KisOverseasOptions
{
    /// <summary>Symbol → KIS US exchange code (NASD, NYSE, AMEX); symbols left out go to <see cref="KisMarkets.DefaultExchange"/>.</summary>
    public IReadOnlyDictionary<string, string> Exchanges { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The session's symbols: which markets' order lists to read from the start (empty = domestic only, as before).</summary>
    public IReadOnlyList<string> Symbols { get; init; } = [];

    /// <summary>The last trade price of a symbol in USD, or null when there is none: what a US market order's limit is collared off.</summary>
    public Func<string, decimal?>? LastPrice { get; init; }

    /// <summary>How far through the last price a US market order's limit goes: 0.005 = buy at +0.5%, sell at −0.5%.</summary>
    public decimal Collar { get; init; } = 0.005m;

    /// <summary>Collects every problem with these options.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach ((string symbol, string exchange) in Exchanges)
        {
            if (!KisMarkets.IsUsExchange(exchange))
            {
                errors.Add($"{symbol}: exchange must be NASD, NYSE or AMEX, got '{exchange}'");
            }
        }

        if (Collar is < 0 or >= 0.5m)
        {
            errors.Add("the collar must be at least 0 and below 0.5");
        }

        return errors;
    }
}

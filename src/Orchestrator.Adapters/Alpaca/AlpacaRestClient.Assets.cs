using System.Net;
using System.Text.Json;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Alpaca;

/// <summary>Assets (<c>GET /v2/assets/{symbol}</c>): whether a symbol may be sold short at Alpaca (issue 19).</summary>
public sealed partial class AlpacaRestClient
{
    /// <summary>
    /// One asset (<c>GET /v2/assets/{symbol}</c>). An unknown symbol (404) or an answer that is not an asset throws
    /// <see cref="VenueTransientException"/> (an unreadable one is counted in <see cref="MalformedAnswers"/>).
    /// </summary>
    public async Task<AlpacaAsset> GetAssetAsync(string symbol, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(symbol);
        using JsonDocument body = await GetJsonAsync("v2/assets/" + Uri.EscapeDataString(symbol), cancellationToken).ConfigureAwait(false);
        JsonElement root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || AlpacaOrderJson.String(root, "symbol") is not { Length: > 0 } read
            || !TryBool(root, "tradable", out bool tradable)
            || !TryBool(root, "shortable", out bool shortable)
            || !TryBool(root, "easy_to_borrow", out bool easyToBorrow))
        {
            throw Malformed("asset answer for " + symbol + " lacks symbol, tradable, shortable or easy_to_borrow", HttpStatusCode.OK);
        }

        return new AlpacaAsset(read, tradable, shortable, easyToBorrow);
    }

    /// <summary>
    /// What Alpaca says about short sales of each of <paramref name="symbols"/>, one asset request each. A symbol whose
    /// asset cannot be read (unknown at Alpaca, an outage, a malformed answer) is left out and logged: its configured
    /// rule stands alone. Wrong keys still throw <see cref="VenueAuthenticationException"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, VenueBorrow>> GetBorrowAsync(IReadOnlyList<string> symbols, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var borrow = new Dictionary<string, VenueBorrow>(StringComparer.Ordinal);
        foreach (string symbol in symbols)
        {
            try
            {
                AlpacaAsset asset = await GetAssetAsync(symbol, cancellationToken).ConfigureAwait(false);
                borrow[symbol] = new VenueBorrow(asset.Shortable, asset.EasyToBorrow);
            }
            catch (VenueTransientException ex)
            {
                s_logger.Warn("alpaca: the asset of {0} could not be read ({1}): its short sales follow the configuration alone", symbol, ex.Message);
            }
        }

        return borrow;
    }

    private static bool TryBool(JsonElement element, string name, out bool value)
    {
        value = false;
        if (!element.TryGetProperty(name, out JsonElement node) || node.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return false;
        }

        value = node.GetBoolean();
        return true;
    }
}

/// <summary>An asset as Alpaca reports it (<c>GET /v2/assets/{symbol}</c>), the fields the daemon reads.</summary>
public sealed record AlpacaAsset(string Symbol, bool Tradable, bool Shortable, bool EasyToBorrow);

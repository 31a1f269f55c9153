using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// Assets: <c>GET /v2/assets/{symbol}</c> in Alpaca's wire format (issue 19: the daemon reads <c>shortable</c> and
/// <c>easy_to_borrow</c> at start-up). Every symbol is an active, tradable, shortable, easy-to-borrow, fractionable US
/// equity unless a test says otherwise (<see cref="SetAsset"/>, <see cref="RemoveAsset"/>); an unknown one is
/// Alpaca's 404 <c>asset not found</c>.
/// </summary>
public sealed partial class AlpacaSimulator
{
    private readonly Dictionary<string, (bool Shortable, bool EasyToBorrow)> _assets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unknownAssets = new(StringComparer.Ordinal);
    private int _assetRequests;

    /// <summary><c>GET /v2/assets/{symbol}</c> requests answered.</summary>
    public int AssetRequests => Volatile.Read(ref _assetRequests);

    /// <summary>What the asset of <paramref name="symbol"/> says about short sales from now on.</summary>
    public void SetAsset(string symbol, bool shortable, bool easyToBorrow)
    {
        lock (_assets)
        {
            _unknownAssets.Remove(symbol);
            _assets[symbol] = (shortable, easyToBorrow);
        }
    }

    /// <summary>From now on <paramref name="symbol"/> is not an Alpaca asset (404).</summary>
    public void RemoveAsset(string symbol)
    {
        lock (_assets)
        {
            _assets.Remove(symbol);
            _unknownAssets.Add(symbol);
        }
    }

    private void MapAssets(WebApplication app) => app.MapGet("/v2/assets/{symbol}", Asset);

    private IResult Asset(string symbol)
    {
        Interlocked.Increment(ref _assetRequests);
        (bool shortable, bool easyToBorrow) = (true, true);
        lock (_assets)
        {
            if (_unknownAssets.Contains(symbol))
            {
                return Results.Json(Error(40410000, "asset not found for " + symbol), statusCode: 404);
            }

            if (_assets.TryGetValue(symbol, out var asset))
            {
                (shortable, easyToBorrow) = asset;
            }
        }

        return Results.Json(new JsonObject
        {
            ["id"] = AssetId(symbol),
            ["class"] = "us_equity",
            ["exchange"] = "NASDAQ",
            ["symbol"] = symbol,
            ["name"] = symbol + " Simulated Inc. Common Stock",
            ["status"] = "active",
            ["tradable"] = true,
            ["marginable"] = true,
            ["maintenance_margin_requirement"] = 30,
            ["margin_requirement_long"] = "30",
            ["margin_requirement_short"] = "100",
            ["shortable"] = shortable,
            ["easy_to_borrow"] = easyToBorrow,
            ["fractionable"] = true,
            ["attributes"] = new JsonArray(),
        });
    }

    /// <summary>A stable UUID per symbol, as Alpaca's asset ids are.</summary>
    private static string AssetId(string symbol) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(symbol)).AsSpan(0, 16)).ToString();
}

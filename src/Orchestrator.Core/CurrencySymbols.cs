namespace Orchestrator.Core;

/// <summary>How a person reads an amount's currency (issue 19): "$" for USD, "₩" for KRW, "€", "¥", else the ISO code and a space ("CHF ").</summary>
public static class CurrencySymbols
{
    /// <summary>The prefix written before an amount in <paramref name="isoCode"/>.</summary>
    public static string Of(string isoCode) => isoCode switch
    {
        "USD" => "$",
        "KRW" => "₩",
        "EUR" => "€",
        "JPY" => "¥",
        _ => isoCode + " ",
    };
}

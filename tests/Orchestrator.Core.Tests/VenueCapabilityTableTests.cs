namespace Orchestrator.Core.Tests;

/// <summary>Each instrument gets its venue's capabilities (issue 19): the daemon's broker for symbols not configured.</summary>
public sealed class VenueCapabilityTableTests
{
    private static readonly SymbolTable Symbols = new(["005930", "AAPL", "MSFT"]);

    [Fact]
    public void UnconfiguredSymbols_TradeOnTheDefaultVenue_WithItsCapabilities()
    {
        var table = new InstrumentTable(Symbols, defaultVenue: "kis");

        Assert.Equal(("kis", VenueCapabilities.Amend), (table[0].Venue, table[0].Capabilities));
        Assert.False(table[1].Capabilities.HasFlag(VenueCapabilities.StopOrders)); // KIS holds no stops: the engine must
    }

    [Fact]
    public void ConfiguredSymbols_KeepTheirVenue_AndGetItsCapabilities_UnlessTheyNameTheirOwn()
    {
        var configured = new Dictionary<string, InstrumentInfo>(StringComparer.Ordinal)
        {
            ["AAPL"] = new() { Symbol = "AAPL", Exchange = "XNAS", Currency = "USD", Venue = "alpaca" },
            ["MSFT"] = new() { Symbol = "MSFT", Exchange = "XNAS", Currency = "USD", Venue = "alpaca", Capabilities = VenueCapabilities.StopOrders },
        };

        var table = new InstrumentTable(Symbols, configured, "kis");

        Assert.Equal(VenueCapabilityTable.Alpaca, table[1].Capabilities);
        Assert.Equal(VenueCapabilities.StopOrders, table[2].Capabilities);
        Assert.Equal("kis", table[0].Venue);
    }

    [Theory]
    [InlineData("paper", VenueCapabilities.StopOrders | VenueCapabilities.NativeTrailingStop | VenueCapabilities.Amend | VenueCapabilities.AuctionTif | VenueCapabilities.Shorts)]
    [InlineData("alpaca", VenueCapabilities.NativeTrailingStop | VenueCapabilities.Amend | VenueCapabilities.StopOrders | VenueCapabilities.AuctionTif | VenueCapabilities.Shorts
        | VenueCapabilities.NativeBracket | VenueCapabilities.NativeOco)] // issue 19: venue-held brackets by default
    [InlineData("kis", VenueCapabilities.Amend)]
    [InlineData("elsewhere", VenueCapabilities.None)]
    public void EachVenue_ClaimsWhatItsAdapterSends(string venue, VenueCapabilities expected) =>
        Assert.Equal(expected, VenueCapabilityTable.Of(venue));
}

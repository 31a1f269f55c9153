using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Journal;

/// <summary>
/// quantity_decimals is pinned in the journal (issue 19): recorded at its first start; a later start that counts a
/// recorded symbol in another unit is refused with the file, the key and the reason (its quantities would be misread).
/// </summary>
public sealed class JournalQuantityDecimalsTests
{
    private static EngineOptions Options(string journal, int aaplDecimals) => EngineHarness.DefaultOptions() with
    {
        Symbols = ["AAPL", "MSFT"],
        Instruments = new Dictionary<string, InstrumentInfo> { ["AAPL"] = InstrumentInfo.Default("AAPL") with { QuantityDecimals = aaplDecimals } },
        JournalDirectory = journal,
    };

    [Fact]
    public void ANewJournal_RecordsEachSymbolsUnit_AndTheSameSettingStartsAgain()
    {
        using var dir = new TempDirectory();
        new TradingEngine(Options(dir.Path, 4), NullAuditWriter.Instance).Shutdown(TimeSpan.FromSeconds(5));

        Assert.Equal(new Dictionary<string, int> { ["AAPL"] = 4, ["MSFT"] = 0 }, JournalQuantityDecimals.Read(dir.Path));
        new TradingEngine(Options(dir.Path, 4), NullAuditWriter.Instance).Shutdown(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void ALaterStart_WithAnotherUnitForARecordedSymbol_IsRefused_NamingFileKeyAndReason()
    {
        using var dir = new TempDirectory();
        new TradingEngine(Options(dir.Path, 4), NullAuditWriter.Instance).Shutdown(TimeSpan.FromSeconds(5));

        var refused = Assert.Throws<InvalidDataException>(() => new TradingEngine(Options(dir.Path, 0), NullAuditWriter.Instance));

        Assert.Contains(Path.Combine(dir.Path, JournalQuantityDecimals.FileName), refused.Message, StringComparison.Ordinal);
        Assert.Contains("instruments.AAPL.quantity_decimals is 0 but the journal records 4", refused.Message, StringComparison.Ordinal);
        Assert.Contains("start a new journal", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedFile_IsRefused_NamingTheFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, JournalQuantityDecimals.FileName), "AAPL=four\n");

        var refused = Assert.Throws<InvalidDataException>(() => new TradingEngine(Options(dir.Path, 4), NullAuditWriter.Instance));
        Assert.Contains(JournalQuantityDecimals.FileName + ": expected SYMBOL=decimals", refused.Message, StringComparison.Ordinal);
    }
}

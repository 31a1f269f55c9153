using Orchestrator.Engine.Journal;

namespace Orchestrator.Engine.Tests.Journal;

/// <summary>The cash a journal started from: recorded at its first start, the one every later start uses.</summary>
public sealed class JournalStartingCashTests
{
    [Fact]
    public void ANewJournal_RecordsTheProposedCash_AndLaterStartsGetIt_WhateverTheyPropose()
    {
        using var dir = new TempDirectory();

        Assert.Null(JournalStartingCash.Read(dir.Path));
        Assert.Equal(100_000_000.5m, JournalStartingCash.Resolve(dir.Path, 100_000_000.5m));
        Assert.Equal(100_000_000.5m, JournalStartingCash.Resolve(dir.Path, 87_654_321m)); // the venue's cash of a later day
        Assert.Equal(100_000_000.5m, JournalStartingCash.Read(dir.Path));
        Assert.Equal([JournalStartingCash.FileName], Directory.GetFiles(dir.Path).Select(Path.GetFileName)); // no temporary file left
    }

    [Fact]
    public void AJournalWrittenBeforeTheFileExisted_UsesTheProposedCash_AndRecordsNothing()
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 3, batch: 1);

        Assert.Equal(5_000m, JournalStartingCash.Resolve(dir.Path, 5_000m));
        Assert.Null(JournalStartingCash.Read(dir.Path));
    }

    [Fact]
    public void AnUnreadableFile_IsAnErrorNamingIt()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, JournalStartingCash.FileName), "lots\n");

        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => JournalStartingCash.Read(dir.Path));
        Assert.Contains(JournalStartingCash.FileName, ex.Message, StringComparison.Ordinal);
    }
}

using System.Text;
using Orchestrator.Daemon.Logging;

namespace Orchestrator.Daemon.Tests.Logging;

/// <summary>The one writer of each log file: rolls by day and by size as NLog's file target did, keeps a bounded number of archives.</summary>
public sealed class RollingLogFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "orc-rolling-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void AFileLeftFromAnEarlierDay_IsRolledUnderThatDaysName_BeforeTodaysLinesGoIn()
    {
        Directory.CreateDirectory(_dir);
        string path = Path.Combine(_dir, "orchestrator.log");
        File.WriteAllText(path, "yesterday\n");
        DateTime yesterday = DateTime.Now.AddDays(-1);
        File.SetLastWriteTime(path, yesterday);

        using (var file = new RollingLogFile(path, maxBytes: 1 << 20, maxArchives: 14))
        {
            file.Append("today\n"u8);
        }

        Assert.Equal("today\n", File.ReadAllText(path));
        Assert.Equal("yesterday\n", File.ReadAllText(Path.Combine(_dir, $"orchestrator_{yesterday:yyyyMMdd}_00.log")));
    }

    [Fact]
    public void LinesPastTheSizeLimit_RollTheFile_WholeLinesOnly_AndOnlyTheNewestArchivesAreKept()
    {
        string path = Path.Combine(_dir, "orchestrator.jsonl");
        var written = new List<string>();
        using (var file = new RollingLogFile(path, maxBytes: 1000, maxArchives: 3, bufferBytes: 256))
        {
            for (int i = 0; i < 200; i++)
            {
                string line = $"line {i:D3} " + new string('x', 80) + "\n";
                file.Append(Encoding.UTF8.GetBytes(line));
                written.Add(line.TrimEnd('\n'));
                if (i % 7 == 0)
                {
                    file.Flush();
                }
            }
        }

        string[] archives = [.. Directory.EnumerateFiles(_dir, "orchestrator_*.jsonl").Order(StringComparer.Ordinal)];
        Assert.Equal(3, archives.Length);
        string[] kept = [.. archives.SelectMany(File.ReadLines), .. File.ReadLines(path)];
        Assert.Equal(written.TakeLast(kept.Length), kept); // whole lines, in order, the newest kept
        Assert.All(archives.Append(path), f => Assert.True(new FileInfo(f).Length <= 1000, f));
    }
}

using System.CommandLine;
using System.Globalization;
using CodeLsp.Features.Completion;

namespace CodeLsp.Server.Cli;

/// <summary><c>codelsp stats</c>: the local acceptance statistics — shown, accepted, partially accepted, by model and length.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var file = new Option<string?>("--file") { Description = "Statistics file (default: $XDG_STATE_HOME/codelsp/stats.json)" };
        var reset = new Option<bool>("--reset") { Description = "Delete the statistics" };
        var command = new Command("stats", "Print how often suggestions were accepted, by model and length (kept on this machine only)") { file, reset };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file) ?? AcceptanceStatistics.DefaultPath;
            if (parse.GetValue(reset))
            {
                File.Delete(path);
                Console.WriteLine($"Deleted {path}");
                return 0;
            }
            var data = AcceptanceStatistics.Load(path);
            Console.WriteLine($"Acceptance statistics ({path}), since {data.Since:yyyy-MM-dd}; never sent anywhere.");
            if (data.NextEdits.Count > 0)
            {
                Console.WriteLine();
                Console.WriteLine($"{"next edits by source",-32} {"shown",8} {"accepted",9} {"dismissed",9} {"rate",6}");
                foreach (var (source, c) in data.NextEdits.OrderBy(n => n.Key, StringComparer.Ordinal))
                {
                    Console.WriteLine($"{source,-32} {N(c.Shown),8} {N(c.Accepted),9} {N(c.Dismissed),9} {c.AcceptanceRate.ToString("P0", CultureInfo.InvariantCulture),6}");
                }
            }
            if (data.Models.Count == 0)
            {
                Console.WriteLine("No suggestions recorded yet.");
                return 0;
            }
            Console.WriteLine();
            Row("model / length", "shown", "accepted", "partial", "rate", "chars accepted");
            foreach (var (model, counters) in data.Models.OrderByDescending(m => m.Value.Shown))
            {
                Print(model, counters);
                foreach (var (bucket, byLength) in data.ByLength.GetValueOrDefault(model) ?? [])
                {
                    Print("  " + bucket, byLength);
                }
            }
            return 0;
        });
        return command;
    }

    private static void Print(string name, AcceptanceCounters c) =>
        Row(name, N(c.Shown), N(c.Accepted), N(c.PartiallyAccepted), c.AcceptanceRate.ToString("P0", CultureInfo.InvariantCulture),
            $"{N(c.AcceptedChars)} of {N(c.ShownChars)}");

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static void Row(string name, string shown, string accepted, string partial, string rate, string chars) =>
        Console.WriteLine($"{name,-32} {shown,8} {accepted,9} {partial,8} {rate,6}  {chars}");
}

namespace CodeLsp.Server.Benchmarks;

/// <summary>
/// The class the typing benchmarks (<see cref="ActionsBenchmark"/>, <see cref="TypingDuringFimBenchmark"/>) complete
/// in: keystrokes type <see cref="TypedLine"/> into the loop of <c>TotalValue</c>, one character more each time.
/// </summary>
internal static class InventorySource
{
    public const string ClassStart = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        namespace Warehouse.Inventory;

        public sealed record StockItem(string Sku, string Name, int Quantity, int ReorderLevel, decimal UnitPrice);

        public sealed class InventoryService
        {
            private readonly List<StockItem> _items = new();

            public IReadOnlyList<StockItem> BelowReorderLevel()
            {
                return _items.Where(i => i.Quantity <= i.ReorderLevel).ToList();
            }

        """;

    /// <summary><c>TotalValue</c> up to the loop body (no line break after its last brace).</summary>
    public const string TotalValueHead = "    public decimal TotalValue()\n    {\n        var total = 0m;\n        foreach (var item in _items)\n        {";

    public const string TypedLine = "            total += item.Quantity * item.UnitPrice;";

    /// <summary>What follows the typed line to the end of the file.</summary>
    public const string TotalValueTail = "\n        }\n        return total;\n    }\n}\n";
}

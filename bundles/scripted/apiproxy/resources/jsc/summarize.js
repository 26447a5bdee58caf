// Turns demo-a's catalog into a summary: item count, names and the total price in the requested currency.
var catalog = JSON.parse(context.getVariable('response.content'));
var currency = context.getVariable('summary.currency');
var items = catalog.items.filter(function (item) { return item.currency === currency; });
var total = items.reduce(function (sum, item) { return sum + item.price; }, 0);
context.setVariable('response.content', JSON.stringify({
  title: properties.title,
  currency: currency,
  count: items.length,
  names: items.map(function (item) { return item.name; }),
  total: total,
}));
context.setVariable('response.header.X-Summary-Count', String(items.length));

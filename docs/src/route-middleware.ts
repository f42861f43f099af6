// Starlight route middleware: a page whose title is the site's own title (the home page, in every
// language) gets that title once in <title>, not "CloudStack Runbook | CloudStack Runbook".
import { defineRouteMiddleware } from '@astrojs/starlight/route-data';

export const onRequest = defineRouteMiddleware((context) => {
  const route = context.locals.starlightRoute;
  const title = route.head.find((entry) => entry.tag === 'title');
  if (title && route.entry.data.title.trim() === route.siteTitle.trim()) title.content = route.siteTitle;
});

# officeflow worker and event intake. Chromium comes from Debian; puppeteer never downloads a browser.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV PUPPETEER_SKIP_DOWNLOAD=true CHROME_PATH=/usr/bin/chromium NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund
COPY . .
USER node
# One process with tsx as a loader: signals reach officeflow itself, so it stops cleanly.
ENTRYPOINT ["node", "--import", "tsx", "cli/main.ts"]
CMD ["up"]
